# Sourced by spark-scaling.sh and spark-standalone.sh after they set `data` (--data, or empty) and `die`: sets data to
# the absolute path of a folder with Fashion-MNIST's four files (--data, else where Debian's dataset-fashion-mnist
# installs them, else where dpkg says it put them), or dies saying how to get them.
has_fashion_mnist() {
    local f
    for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
        [[ -f "$1/$f" || -f "$1/$f.gz" ]] || return 1
    done
}
if [[ -z "$data" ]]; then
    data=/usr/share/datasets/fashion-mnist
    if ! has_fashion_mnist "$data"; then
        found="$(dpkg -L dataset-fashion-mnist 2>/dev/null | grep -m1 '/train-images-idx3-ubyte' || true)"
        [[ -z "$found" ]] || data="$(dirname "$found")"
    fi
fi
has_fashion_mnist "$data" \
    || die "Fashion-MNIST not found in $data: apt-get install dataset-fashion-mnist (or give --data DIR)"
data="$(CDPATH='' cd -- "$data" && pwd)" # the executors run in folders of their own
