#!/bin/sh
# Stands in for Prisma's native schema engine, which cannot be downloaded on this project's machines.
# `prisma generate` never needs it: the stub only keeps the Prisma CLI from trying to download the real one.
echo "schema engine not available offline" >&2
exit 1
