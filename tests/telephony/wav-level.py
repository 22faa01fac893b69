#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints the loudest 50 ms of a 16-bit WAV file as an RMS from 0 to 32767."""

import array
import math
import sys
import wave

with wave.open(sys.argv[1]) as w:
    if w.getsampwidth() != 2:
        sys.exit("wav-level: 16-bit samples only")
    samples = array.array("h", w.readframes(w.getnframes()))
    window = max(1, w.getframerate() * w.getnchannels() // 20)
loudest = 0.0
for start in range(0, len(samples), window):
    part = samples[start:start + window]
    loudest = max(loudest, math.sqrt(sum(s * s for s in part) / len(part)))
print(int(loudest))
