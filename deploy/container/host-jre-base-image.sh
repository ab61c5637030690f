#!/usr/bin/env bash
# Writes a minimal base image (a docker-load tarball) holding this host's JRE 17 and the glibc libraries it links,
# for building the production image where no registry is reachable:
#   deploy/container/host-jre-base-image.sh /tmp/jre-base.tar
#   mvn -B -Pimage -DskipTests -pl cli -am package -Dimage.base=tar:///tmp/jre-base.tar
# Not a replacement for a maintained base image (eclipse-temurin:17-jre, the default): nothing here patches it.
set -euo pipefail
out=${1:?usage: $0 OUTPUT.tar}
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs

# jlink copies a self-contained runtime: a distribution's JAVA_HOME may symlink its conf and certificates elsewhere.
modules=$("$java_home/bin/java" --list-modules | sed "s/@.*//" | grep -v "^jdk.incubator" | paste -sd, -)
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$root/opt/java/openjdk"

# The host's shared libraries the runtime links (not its own, already copied) and the dynamic loader, plus those
# RocksDB's JNI library links (libstdc++, libgcc_s, libpthread, libdl, librt); each at its own path for the loader.
libs=$(find "$root/opt/java/openjdk" -name '*.so' -o -path '*/bin/*' -type f | xargs ldd 2>/dev/null \
  | awk '/=> \// {print $3} /^[ \t]*\// {print $1}' | grep -v "^$root" | sort -u)
extra='libstdc\+\+\.so\.6|libgcc_s\.so\.1|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1'
for lib in $libs $(ldconfig -p | awk -v re="^($extra) " '$1 " " ~ re && /x86-64/ {print $NF}'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
mkdir -p "$root/tmp" "$root/etc" && chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nspendstream:x:10001:10001::/var/lib/spendstream:/sbin/nologin\n' \
  > "$root/etc/passwd"
printf 'root:x:0:\nspendstream:x:10001:\n' > "$root/etc/group"

tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$work/layer.tar" .
diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "JAVA_HOME=/opt/java/openjdk"]},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]}}
JSON
echo '[{"Config":"config.json","RepoTags":["spendstream-host-jre:17"],"Layers":["layer.tar"]}]' > "$work/manifest.json"
tar -C "$work" -cf "$out" manifest.json config.json layer.tar
echo "Wrote $out ($(du -h "$out" | cut -f1)): $("$java_home/bin/java" -version 2>&1 | head -1)"
