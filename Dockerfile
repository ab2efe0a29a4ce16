# Builds the wirehose binary and runs it as an unprivileged user.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p wirehose

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/wirehose wirehose
COPY --from=build /src/target/release/wirehose /usr/local/bin/wirehose
COPY config /etc/wirehose
USER wirehose
ENTRYPOINT ["wirehose", "--config", "/etc/wirehose/wirehose.toml"]
CMD ["run"]
