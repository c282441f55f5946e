# The pypi-publish action image: one static Go binary and a CA bundle on
# scratch (docs/image.md says why and how CI checks it).
#
# Builder: the official Go image, pinned by digest. This digest is the
# golang:1.26.8-bookworm (= golang:1.26-bookworm) index seen in public
# Dockerfiles and logs in October 2026; bump tag and digest together. CI on a
# machine without Docker Hub passes a local stand-in with
#   --build-arg GO_IMAGE=localhost/golang:1.26.8-bookworm   (see .ci/image.sh).
ARG GO_IMAGE=docker.io/library/golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d

# The builder runs on the build machine's platform and cross-compiles for the
# target (no emulation needed for linux/arm64). BUILDPLATFORM, TARGETOS and
# TARGETARCH are set by docker buildx and buildah.
FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly
# Dependencies first, so this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH
ARG VERSION=dev
# Reproducible: no paths (-trimpath), no VCS stamp (-buildvcs=false), no
# build ID (-buildid=), no symbol table (-s -w). Two builds of one commit
# give the same bytes; .ci/image.sh checks it.
# -tags nodemo leaves out the `demo` subcommand (a fake index and samples
# for local use), about 1 MB.
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -tags nodemo -trimpath -buildvcs=false \
      -ldflags "-s -w -buildid= -X main.version=${VERSION}" \
      -o /out/pypi-publish .

# The image holds exactly two files. No USER: GitHub runs Docker actions as
# root and the workspace mount is root-owned. No WORKDIR: the runner sets
# --workdir /github/workspace itself.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/pypi-publish /pypi-publish
ENTRYPOINT ["/pypi-publish"]
