#!/usr/bin/env bash
# Moderation's GPU stages (bench/gpu_stages.py) on a GPU machine that reaches no package index: unpacks the
# bundle that tools/gpu_bundle.py made (its parts, in any folders given), points CTranslate2 and ONNX Runtime
# at the CUDA libraries of the nvidia-* packages already there, and writes OUT/gpu.json and OUT/gpu.log.
#
#   bash bench/gpu_device.sh OUT PART_FOLDER...
#
# CTranslate2 4.8's wheel loads cuBLAS 12 by name (libcublas.so.12). Where the machine has only cuBLAS 13
# (a CUDA 13 image), that name is linked to cuBLAS 13, whose functions CTranslate2 calls keep their
# signatures; `make install-gpu` installs cuBLAS 12 itself instead.
set -euo pipefail
out=$1
shift
work=/tmp/reelremix-gpu
rm -rf "$work" && mkdir -p "$work/lib"
exec > >(tee "$out/gpu.log") 2>&1

# each part once, in order, wherever it was left
cat $(find "$@" -name 'bundle.tar.xz.*' -printf '%f %p\n' | sort -u -k1,1 | cut -d' ' -f2) >"$work/bundle.tar.xz"
python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2], filter="data")' \
    "$work/bundle.tar.xz" "$work"
rm "$work/bundle.tar.xz"

lib_dirs=$(python3 - <<'EOF'
import glob, site
libraries = [glob.glob(f"{root}/nvidia/**/lib*.so*", recursive=True) for root in site.getsitepackages()]
print(":".join(sorted({path.rsplit("/", 1)[0] for found in libraries for path in found})))
EOF
)
echo "CUDA libraries: ${lib_dirs:-none found}"
cublas() { [ -n "$lib_dirs" ] && find ${lib_dirs//:/ } -name "libcublas.so.$1*" | sort | head -1; }
cublas13=$(cublas 13)
if [ -z "$(cublas 12)" ] && [ -n "$cublas13" ]; then
    ln -s "$cublas13" "$work/lib/libcublas.so.12"
    echo "cuBLAS 12 is not here: libcublas.so.12 -> $cublas13"
fi
export LD_LIBRARY_PATH="$work/lib:$lib_dirs:${LD_LIBRARY_PATH:-}"
export PYTHONPATH="$work/site" PYTHONUNBUFFERED=1

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 -c 'import sys, onnxruntime, ctranslate2; print(sys.version.split()[0], "onnxruntime",
onnxruntime.__version__, onnxruntime.get_available_providers(), "ctranslate2", ctranslate2.__version__,
"CUDA devices", ctranslate2.get_cuda_device_count())'
echo "cores: $(nproc)"
python3 bench/gpu_stages.py "$work/inputs" "$out/gpu.json" --whisper-model "$work/models/whisper-base-int8" \
    --devices cuda,cpu
