# syntax=docker/dockerfile:1
# Loupe as one container: the compiled single binary on a minimal glibc base, non-root.
#
#   docker build -t loupe .
#   docker run -d --name loupe -p 8080:8080 --read-only --tmpfs /tmp:rw,exec,nosuid,nodev,size=64m \
#     --cap-drop=ALL --security-opt no-new-privileges \
#     -v loupe-data:/data -v loupe-keys:/keys \
#     -e LOUPE_PUBLIC_URL=https://feedback.example.eu \
#     -e LOUPE_MASTER_KEY_FILE=/run/secrets/loupe_master_key \
#     --mount type=bind,src=/etc/loupe/master.key,dst=/run/secrets/loupe_master_key,readonly \
#     loupe
#
# /tmp must allow exec: the binary unpacks its native addons (SQLite cipher, argon2) there at start
# and loads them; Docker's --tmpfs defaults to noexec. The key file must be readable by uid 65532.
# Behind a reverse proxy that holds the certificate (README, "HTTPS"), the above is all; add
# -e LOUPE_TRUSTED_PROXIES=<the proxy's address>. To serve HTTPS from the container itself, mount the
# certificate and key (readable by uid 65532) and move the ports; the HEALTHCHECK then uses HTTPS, and
# `docker kill --signal=HUP loupe` reloads a renewed certificate:
#   docker run … -p 443:8443 -p 80:8080 \
#     -e LOUPE_PORT=8443 -e LOUPE_HTTP_REDIRECT_PORT=8080 \
#     -e LOUPE_TLS_CERT=/run/secrets/tls/fullchain.pem -e LOUPE_TLS_KEY=/run/secrets/tls/privkey.pem \
#     --mount type=bind,src=/etc/loupe/tls,dst=/run/secrets/tls,readonly \
#     loupe

# The base images are arguments so the image can be built where no registry is reachable (CI builds it
# on stand-ins made from Debian's packages: scripts/container-standins.ts, test/container.podman.ts).
ARG BUILD_IMAGE=node:20-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# Sources before `npm ci`: its postinstall builds the widget (scripts/build-assets.ts) from src/.
COPY package.json package-lock.json tsconfig.json bunfig.toml ./
COPY scripts ./scripts
COPY src ./src
COPY migrations ./migrations
RUN npm ci --no-audit --no-fund
# `npm run build` writes the binary and its CycloneDX SBOM (dist/loupe.cdx.json, production dependencies).
RUN npm run build \
 && mkdir -p /out/data /out/keys \
 && cp dist/loupe /out/loupe \
 && cp dist/loupe.cdx.json /out/sbom.cdx.json \
 && /out/loupe version

# distroless "cc": glibc + libgcc_s (needed by the embedded libsql addon), no shell, no package manager.
FROM ${RUNTIME_IMAGE}
COPY --from=build /out/loupe /usr/local/bin/loupe
COPY --from=build /out/sbom.cdx.json /usr/local/share/loupe/sbom.cdx.json
# Volumes must belong to the non-root user (65532) so Loupe can write them.
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build --chown=65532:65532 /out/keys /keys
ENV LOUPE_HOST=0.0.0.0 \
    LOUPE_PORT=8080 \
    LOUPE_DATA_DIR=/data \
    LOUPE_KEY_DIR=/keys
USER 65532:65532
# /data: encrypted database + wrapped keyring. /keys: a generated master key when none is supplied —
# a key generated into the container's own layer would be lost with the container.
VOLUME ["/data", "/keys"]
EXPOSE 8080
# With built-in HTTPS (LOUPE_PORT=8443, LOUPE_HTTP_REDIRECT_PORT=8080; see the top of this file).
EXPOSE 8443
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/loupe", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/loupe"]
CMD ["serve"]
