#!/usr/bin/env bash
# The engine check on a machine with a GPU and no network (scripts/device/engine-check.ts says what it measures).
#
# Here:   node scripts/device/build.mjs          # makes out/device/ (about 45 MiB: see its last line)
# There:  bash scripts/device/engine-check.sh    # with out/device/ carried along; writes $OUT/engine-check.json
#
# It unpacks Node and onnxruntime's library, unpacks the Vulkan loader package next to them (dpkg -x, nothing is
# installed), points the loader at the NVIDIA driver's ICD when the driver ships one, and runs the check with a
# 9-minute cap.
set -euo pipefail
cd "$(dirname "$0")/../.."
dev=out/device
[ -f "$dev/engine-check.mjs" ] || { echo "out/device is missing: run node scripts/device/build.mjs first" >&2; exit 2; }
results=${OUT:-$PWD}
for f in "$dev/node.xz" "$dev"/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1.xz; do
  if [ -f "$f" ]; then xz -d -f "$f"; fi
done
chmod +x "$dev/node"
vulkan=$(mktemp -d)
for deb in "$dev"/debs/*.deb; do dpkg -x "$deb" "$vulkan"; done
export LD_LIBRARY_PATH="$vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
  /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ]; then export VK_ICD_FILENAMES="$icd"; break; fi
done
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
timeout 540 "$dev/node" "$dev/engine-check.mjs" "$results/engine-check.json"
