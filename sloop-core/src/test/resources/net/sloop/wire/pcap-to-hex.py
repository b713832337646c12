#!/usr/bin/env python3
"""Prints each frame of a classic little/big-endian pcap file as 'index hex' lines."""
import struct, sys
data = open(sys.argv[1], "rb").read()
magic = data[:4]
end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
pos, i = 24, 0
while pos + 16 <= len(data):
    _, _, incl, _ = struct.unpack(end + "IIII", data[pos:pos + 16])
    frame = data[pos + 16:pos + 16 + incl]
    print(i, frame.hex())
    pos += 16 + incl
    i += 1
