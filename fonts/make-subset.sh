#!/bin/sh
# Regenerates the bundled fonts NotoSansCJKsc-Subset-{Regular,Bold}.otf from
# Debian's Noto Sans CJK collections. For maintainers only: the generated
# fonts are committed, builds do not run this.
#
# Needs these Debian packages:
#   fonts-noto-cjk     (the source fonts, SIL OFL 1.1)
#   unicode-data       (Unihan_OtherMappings.txt.bz2 with the kTGH field)
#   python3-fonttools  (python3 -m fontTools.subset)
#   bzip2
#
# Usage: fonts/make-subset.sh [output-dir]   (default: the script's directory)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
src=/usr/share/fonts/opentype/noto
unihan=/usr/share/unicode/Unihan_OtherMappings.txt.bz2
# Debian's python3, not a pyenv/venv one that may lack fontTools.
py=/usr/bin/python3

for f in "$src/NotoSansCJK-Regular.ttc" "$src/NotoSansCJK-Bold.ttc" "$unihan"; do
    [ -r "$f" ] || { echo "missing $f (apt-get install fonts-noto-cjk unicode-data)" >&2; exit 1; }
done
"$py" -c 'import fontTools.subset' 2>/dev/null ||
    { echo "fontTools missing (apt-get install python3-fonttools)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The 8,105 characters of the General Standard Chinese Characters table
# (通用规范汉字表, 2013): every code point with a kTGH field.
bzcat "$unihan" | awk -F'\t' '$1 ~ /^U\+/ && $2 == "kTGH" { sub(/^U\+/, "", $1); print $1 }' \
    >"$tmp/tgh.txt"
n=$(wc -l <"$tmp/tgh.txt")
[ "$n" -eq 8105 ] || { echo "expected 8105 kTGH characters, got $n" >&2; exit 1; }

# Besides the hanzi: ASCII, Latin-1, Latin Extended-A and the pinyin vowels
# with tone marks (U+01CD-01DC), tone-mark modifiers, general punctuation,
# euro sign, letterlike symbols (℃ №), number forms (Ⅻ), arrows (←↑→↓ ⇒ ⇔),
# mathematical operators, enclosed alphanumerics (①-⑳ ⑴ ⒈), box drawing,
# geometric shapes (●■▲◆○), miscellaneous symbols (★☆☎), CJK symbols and
# punctuation, enclosed CJK letters (㈠ ㊣), CJK compatibility (㎡ ㎏ ㎞),
# vertical and small form variants, and the full-width forms. fontTools
# keeps only the code points the source face has.
extra="0020-007E,00A0-00FF,0100-017F,01CD-01DC,02C7,02C9-02CB,02D9,2000-206F,20AC"
extra="$extra,2100-214F,2150-218F,2190-2199,21D2,21D4,2200-22FF,2460-24FF,2500-257F"
extra="$extra,25A0-25FF,2600-26FF,3000-303F,3200-32FF,3300-33FF,FE10-FE1F,FE30-FE4F"
extra="$extra,FF00-FFEF"

# Horizontal text only: kerning and the proportional/half-width punctuation
# features. locl is dropped on purpose: face 2 already has the Simplified
# Chinese forms and HarfBuzz must not switch them by the process locale.
for weight in Regular Bold; do
    "$py" -m fontTools.subset "$src/NotoSansCJK-$weight.ttc" --font-number=2 \
        --unicodes-file="$tmp/tgh.txt" --unicodes="$extra" \
        --layout-features='kern,palt,halt' --name-IDs='0,1,2,3,4,5,6,7,8,9,10,11,12,13,14' \
        --output-file="$tmp/sub.otf"
    # A distinct family name, so that a copy installed by hand never shadows
    # the full Noto Sans CJK SC for other programs.
    "$py" - "$tmp/sub.otf" "$out/NotoSansCJKsc-Subset-$weight.otf" "$weight" <<'PY'
import sys
from fontTools.ttLib import TTFont
src, dst, weight = sys.argv[1:4]
font = TTFont(src, recalcTimestamp=False)  # reproducible output
family = "Noto Sans CJK SC Subset"
ps = "NotoSansCJKsc-Subset-" + weight
names = {1: family, 3: "2.004;" + ps + ";signage-player", 4: family + " " + weight, 6: ps}
for rec in font["name"].names:
    if rec.nameID in names:
        rec.string = names[rec.nameID]
font.save(dst)
PY
    echo "$out/NotoSansCJKsc-Subset-$weight.otf: $(wc -c <"$out/NotoSansCJKsc-Subset-$weight.otf") bytes"
done
