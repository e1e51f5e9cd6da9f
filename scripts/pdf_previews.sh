#!/usr/bin/env bash
# PNG renders of the PDF edition's cover and contents, and the seed article's first page, for the docs.
set -euo pipefail
edition=$(ls dist/*.pdf | head -n 1)
seed=$(ls dist/pdf/*_a0c17ae2.pdf | head -n 1)
mkdir -p docs/img
pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$edition" docs/img/pdf-cover
pdftoppm -png -r 60 -f 2 -l 2 -singlefile "$edition" docs/img/pdf-contents
pdftoppm -png -r 80 -f 3 -l 3 -singlefile "$seed" docs/img/pdf-seed-page
echo "wrote docs/img/pdf-cover.png docs/img/pdf-contents.png docs/img/pdf-seed-page.png"
