# Multi-stage build of the `canglong` server. The runtime image holds the binary alone (SQLite and
# libpq are compiled in, TLS is rustls), runs as a non-root user and migrates at start
# (`canglong serve` applies pending migrations first).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin canglong

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/canglong --create-home canglong
COPY --from=build /src/target/release/canglong /usr/local/bin/canglong
USER canglong
WORKDIR /var/lib/canglong
ENV CANGLONG_BIND=0.0.0.0:8080 CANGLONG_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
    CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["canglong"]
CMD ["serve"]
