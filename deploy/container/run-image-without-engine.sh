#!/usr/bin/env bash
# Runs an image tarball (as `mvn -Pimage` writes it) the way a container engine would, where there is none: its
# layers unpacked into a root file system, then its entry point run there with chroot, as the image's user, with the
# image's environment and working directory. The host's network, so `run ingest -b localhost:9092` reaches a broker
# started by `./spendstream up`. A smoke test of the image's contents, not an isolation boundary. Needs root.
#   deploy/container/run-image-without-engine.sh cli/target/spendstream-image.tar --help
#   deploy/container/run-image-without-engine.sh cli/target/spendstream-image.tar run ingest -b localhost:9092 -r http://localhost:8081
set -euo pipefail
image=$(readlink -f "${1:?usage: $0 IMAGE.tar [ARGS...]}")
shift
[ "$(id -u)" = 0 ] || { echo "needs root (chroot)" >&2; exit 1; }
work=$(mktemp -d)
# The JVM (and the loader resolving java's $ORIGIN run path) read /proc: the host's, mounted for the run.
trap 'umount "$work/rootfs/proc" 2>/dev/null; rm -rf "$work"' EXIT
tar -xf "$image" -C "$work"
mkdir "$work/rootfs"
# Layers in manifest order, later ones over earlier ones (no whiteouts: Jib never writes them).
for layer in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$work/manifest.json"); do
  tar --warning=no-unknown-keyword -xf "$work/$layer" -C "$work/rootfs"
done
mkdir -p "$work/rootfs/proc" && mount -t proc proc "$work/rootfs/proc"
# Then the image's entry point with its user, environment and working directory (the image holds no shell).
python3 - "$work/config.json" "$work/rootfs" "$@" <<'PY'
import json, os, sys
config = json.load(open(sys.argv[1]))["config"]
root, args = sys.argv[2], sys.argv[3:]
env = dict(entry.split("=", 1) for entry in config.get("Env", []))
command = config.get("Entrypoint", []) + (args or config.get("Cmd", []))
uid, _, gid = config.get("User", "0").partition(":")
os.chroot(root)
os.chdir(config.get("WorkingDir") or "/")
os.setgroups([])
os.setgid(int(gid or uid))
os.setuid(int(uid))
os.execvpe(command[0], command, env)  # resolves java with the image's PATH (env), not the host's
PY
