-- AlterTable
ALTER TABLE "presentation_requests" ADD COLUMN     "verifying_since" TIMESTAMPTZ(3);

-- CreateTable
-- UNLOGGED (edited by hand; the schema cannot say it): rate and failed-authentication counters are
-- shared by the replicas but not worth the WAL, and no HMAC of a client address or presented credential
-- should reach WAL archives or standbys. After a crash PostgreSQL empties the table, which only resets
-- windows. PGlite ignores nothing here: it creates the table unlogged too (and never uses it).
CREATE UNLOGGED TABLE "rate_counters" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "reset_at" BIGINT NOT NULL,

    CONSTRAINT "rate_counters_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "rate_counters_reset_at_idx" ON "rate_counters"("reset_at");
