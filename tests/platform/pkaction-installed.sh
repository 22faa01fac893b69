#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# pkaction-installed.sh POLICY RULES GROUP
#
# Run in a mount namespace of its own (check-install.sh does): puts POLICY
# and RULES where polkitd reads them (and nothing else), two users in
# /etc/passwd, one of them in GROUP, starts a private bus and a polkitd on
# it, checks what pkaction says of cells' actions, and asks pkcheck for
# processes of the two users: the group's member may switch and may not
# manage, the other may do neither (neither is in an active session).
set -eu
policy=$1 rules=$2 group=$3
member=cells-member other=cells-other

dir=$(mktemp -d)
cleanup() {
	[ -n "${polkitd:-}" ] && kill "$polkitd" 2>/dev/null
	wait 2>/dev/null
	[ -d "$dir/bus-dir" ] && sh "$(dirname "$0")/../cells-session.sh" stop "$dir/bus-dir"
	rm -rf "$dir"
}
trap cleanup EXIT

mkdir "$dir/actions" "$dir/rules.d" "$dir/etc-rules.d"
cp "$policy" "$dir/actions/"
cp "$rules" "$dir/rules.d/"
chmod -R a+rX "$dir"
mount --bind "$dir/actions" /usr/share/polkit-1/actions
mount --bind "$dir/rules.d" /usr/share/polkit-1/rules.d
[ -d /etc/polkit-1/rules.d ] && mount --bind "$dir/etc-rules.d" /etc/polkit-1/rules.d

# Ids no one has: the first free pair from 4200 up.
uid=4200
while getent passwd $uid >/dev/null || getent passwd $((uid + 1)) >/dev/null ||
	getent group $uid >/dev/null || getent group $((uid + 1)) >/dev/null; do
	uid=$((uid + 2))
done
gid=$uid
cp /etc/passwd "$dir/passwd"
cp /etc/group "$dir/group"
echo "$member:x:$uid:$uid::/nonexistent:/usr/sbin/nologin" >>"$dir/passwd"
echo "$other:x:$((uid + 1)):$((uid + 1))::/nonexistent:/usr/sbin/nologin" >>"$dir/passwd"
echo "$member:x:$uid:" >>"$dir/group"
echo "$other:x:$((uid + 1)):" >>"$dir/group"
if getent group "$group" >/dev/null; then
	gid=$(getent group "$group" | cut -d: -f3)
	sed -i "s/^\($group:[^:]*:[^:]*:\)\(.*\)$/\1\2,$member/; s/:,$member$/:$member/" \
		"$dir/group"
else
	gid=$((uid + 100))
	echo "$group:x:$gid:$member" >>"$dir/group"
fi
chmod 644 "$dir/passwd" "$dir/group"
mount --bind "$dir/passwd" /etc/passwd
mount --bind "$dir/group" /etc/group

# The tests' private system bus; polkitd runs as its own user and must
# reach it.
chmod 755 "$dir"
mkdir "$dir/bus-dir"
chmod 755 "$dir/bus-dir"
sh "$(dirname "$0")/../cells-session.sh" bus "$dir/bus-dir"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus-dir/bus"

/usr/lib/polkit-1/polkitd >"$dir/polkitd.log" 2>&1 &
polkitd=$!
i=0
until pkaction --action-id org.cells.Cells1.switch >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "pkaction got no answer"; cat "$dir/polkitd.log"; exit 1; }
	sleep 0.1
done

pkaction --verbose --action-id org.cells.Cells1.manage >"$dir/manage"
pkaction --verbose --action-id org.cells.Cells1.switch >"$dir/switch"
cat "$dir/manage" "$dir/switch"
grep -q 'description: *Manage cells' "$dir/manage"
grep -q 'implicit active: *auth_admin_keep' "$dir/manage"
grep -q 'implicit any: *auth_admin$' "$dir/manage"
grep -q 'description: *Switch to another cell' "$dir/switch"
grep -q 'implicit active: *yes' "$dir/switch"
grep -q 'implicit any: *no' "$dir/switch"

# Processes of the two users; pkcheck: 0 authorized, 1 not, 2 needs a password.
setpriv --reuid="$member" --regid="$uid" --init-groups sleep 30 &
member_pid=$!
setpriv --reuid="$other" --regid="$((uid + 1))" --init-groups sleep 30 &
other_pid=$!
verdict() {
	pkcheck --action-id "$1" --process "$2" >/dev/null 2>&1 && echo 0 || echo $?
}
expect() { # expect ACTION PID WHO STATUS
	got=$(verdict "$1" "$2")
	echo "pkcheck $1 for $3: $got (expected $4)"
	[ "$got" = "$4" ] || status=1
}
status=0
expect org.cells.Cells1.switch $member_pid "a member of $group" 0
expect org.cells.Cells1.manage $member_pid "a member of $group" 2
expect org.cells.Cells1.switch $other_pid "a user outside $group" 1
kill $member_pid $other_pid
cat "$dir/polkitd.log"
if grep -qi 'error' "$dir/polkitd.log"; then
	echo "polkitd reported an error"
	status=1
fi
grep -q 'executing 1 rules' "$dir/polkitd.log" || { echo "polkitd did not load the rule"; status=1; }
exit $status
