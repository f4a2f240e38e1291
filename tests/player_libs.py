#!/usr/bin/env python3
"""The libraries the built player names (DT_NEEDED in its ELF dynamic
section, read here without binutils): libicuuc, not libicui18n, which the
lunar date opens at run time (player/lunarcal.c) so that a player without
it never maps it.

    player_libs.py PATH-TO-signage-player"""
import struct
import sys

DT_NEEDED, SHT_DYNAMIC = 1, 6


def needed(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF":
        raise SystemExit(f"{path}: not an ELF file")
    wide, end = data[4] == 2, "<" if data[5] == 1 else ">"
    word = "Q" if wide else "I"
    # e_shoff, then e_shentsize, e_shnum after the flags and sizes.
    shoff = struct.unpack_from(end + word, data, 0x28 if wide else 0x20)[0]
    shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A if wide else 0x2E)
    sections = []
    for i in range(shnum):
        at = shoff + i * shentsize
        if wide:
            _, kind, _, _, off, size, link = struct.unpack_from(end + "IIQQQQI", data, at)
        else:
            _, kind, _, _, off, size, link = struct.unpack_from(end + "IIIIIII", data, at)
        sections.append((kind, off, size, link))
    names = []
    for kind, off, size, link in sections:
        if kind != SHT_DYNAMIC:
            continue
        strtab = sections[link][1]
        entry = struct.calcsize(end + word * 2)
        for at in range(off, off + size, entry):
            tag, val = struct.unpack_from(end + word * 2, data, at)
            if tag == DT_NEEDED:
                names.append(data[strtab + val:data.index(b"\0", strtab + val)].decode())
    return names


def main():
    names = needed(sys.argv[1])
    print("NEEDED:", " ".join(names))
    # The reading itself: the player names libc and libicuuc.
    ok = any(n.startswith("libc.so") for n in names)
    ok &= any(n.startswith("libicuuc.so") for n in names)
    if not ok:
        print("FAIL: libc or libicuuc missing: the dynamic section misread")
    i18n = [n for n in names if n.startswith("libicui18n")]
    if i18n:
        print(f"FAIL: the player links {i18n[0]} (the lunar date opens it when asked)")
    sys.exit(0 if ok and not i18n else 1)


if __name__ == "__main__":
    main()
