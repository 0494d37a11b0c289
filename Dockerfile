# Multi-stage build of the `canglong` server; runs as a non-root user and migrates at start.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --bin canglong

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 canglong
COPY --from=build /src/target/release/canglong /usr/local/bin/canglong
USER canglong
ENV CANGLONG_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["canglong"]
CMD ["serve"]
