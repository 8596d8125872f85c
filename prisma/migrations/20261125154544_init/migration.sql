-- CreateEnum
CREATE TYPE "api_key_owner_kind" AS ENUM ('admin', 'lab', 'venue');

-- CreateEnum
CREATE TYPE "signature_suite" AS ENUM ('BLS12-381-SHA-256', 'BLS12-381-SHAKE-256', 'BBS+2020');

-- CreateEnum
CREATE TYPE "issuer_key_status" AS ENUM ('active', 'retired', 'revoked');

-- CreateEnum
CREATE TYPE "offer_status" AS ENUM ('pending', 'redeemed', 'expired');

-- CreateEnum
CREATE TYPE "audit_actor_kind" AS ENUM ('admin', 'lab', 'venue', 'holder', 'system');

-- CreateEnum
CREATE TYPE "trusted_issuer_source" AS ENUM ('metadata-url', 'key');

-- CreateEnum
CREATE TYPE "presentation_request_status" AS ENUM ('pending', 'accepted', 'rejected', 'expired');

-- CreateTable
CREATE TABLE "labs" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "labs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "owner_kind" "api_key_owner_kind" NOT NULL,
    "lab_id" UUID,
    "venue_id" UUID,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_day" INTEGER,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "issuer_keys" (
    "id" TEXT NOT NULL,
    "lab_id" UUID NOT NULL,
    "suite" "signature_suite" NOT NULL,
    "public_key" BYTEA NOT NULL,
    "secret_key_ciphertext" BYTEA NOT NULL,
    "secret_key_nonce" BYTEA NOT NULL,
    "kek_id" TEXT NOT NULL,
    "status" "issuer_key_status" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "issuer_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schemas" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "lab_id" UUID,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schemas_pkey" PRIMARY KEY ("id","version")
);

-- CreateTable
CREATE TABLE "offers" (
    "id" UUID NOT NULL,
    "lab_id" UUID NOT NULL,
    "issuer_key_id" TEXT NOT NULL,
    "schema_id" TEXT NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "code_hash" TEXT NOT NULL,
    "attributes" JSONB,
    "valid_from_day" INTEGER NOT NULL,
    "valid_until_day" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "offer_status" NOT NULL DEFAULT 'pending',
    "redeemed_at" TIMESTAMPTZ(3),
    "idempotency_key" TEXT,
    "request_hash" TEXT,

    CONSTRAINT "offers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_kind" "audit_actor_kind" NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "subject_id" TEXT,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "venues" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "venues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policies" (
    "id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trusted_issuers" (
    "id" UUID NOT NULL,
    "source" "trusted_issuer_source" NOT NULL,
    "metadata_url" TEXT,
    "label" TEXT NOT NULL,
    "snapshot" JSONB NOT NULL,
    "etag" TEXT,
    "last_synced_at" TIMESTAMPTZ(3),
    "last_sync_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trusted_issuers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "presentation_requests" (
    "id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "policy_id" UUID NOT NULL,
    "nonce_hash" TEXT NOT NULL,
    "status" "presentation_request_status" NOT NULL DEFAULT 'pending',
    "outcome_code" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "presentation_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scoped_pseudonyms" (
    "id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "scope" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "pseudonym" BYTEA NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scoped_pseudonyms_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "labs_name_key" ON "labs"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_lab_id_idx" ON "api_keys"("lab_id");

-- CreateIndex
CREATE INDEX "api_keys_venue_id_idx" ON "api_keys"("venue_id");

-- CreateIndex
CREATE INDEX "issuer_keys_lab_id_status_idx" ON "issuer_keys"("lab_id", "status");

-- CreateIndex
CREATE INDEX "issuer_keys_kek_id_idx" ON "issuer_keys"("kek_id");

-- CreateIndex
CREATE INDEX "schemas_lab_id_idx" ON "schemas"("lab_id");

-- CreateIndex
CREATE UNIQUE INDEX "offers_code_hash_key" ON "offers"("code_hash");

-- CreateIndex
CREATE INDEX "offers_lab_id_status_idx" ON "offers"("lab_id", "status");

-- CreateIndex
CREATE INDEX "offers_status_expires_at_idx" ON "offers"("status", "expires_at");

-- CreateIndex
CREATE INDEX "offers_issuer_key_id_idx" ON "offers"("issuer_key_id");

-- CreateIndex
CREATE INDEX "offers_schema_id_schema_version_idx" ON "offers"("schema_id", "schema_version");

-- CreateIndex
CREATE UNIQUE INDEX "offers_lab_id_idempotency_key_key" ON "offers"("lab_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_actor_kind_actor_id_at_idx" ON "audit_events"("actor_kind", "actor_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_subject_id_idx" ON "audit_events"("subject_id");

-- CreateIndex
CREATE UNIQUE INDEX "venues_name_key" ON "venues"("name");

-- CreateIndex
CREATE UNIQUE INDEX "policies_venue_id_name_key" ON "policies"("venue_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "trusted_issuers_metadata_url_key" ON "trusted_issuers"("metadata_url");

-- CreateIndex
CREATE UNIQUE INDEX "presentation_requests_nonce_hash_key" ON "presentation_requests"("nonce_hash");

-- CreateIndex
CREATE INDEX "presentation_requests_venue_id_created_at_idx" ON "presentation_requests"("venue_id", "created_at");

-- CreateIndex
CREATE INDEX "presentation_requests_policy_id_idx" ON "presentation_requests"("policy_id");

-- CreateIndex
CREATE INDEX "presentation_requests_expires_at_idx" ON "presentation_requests"("expires_at");

-- CreateIndex
CREATE INDEX "scoped_pseudonyms_expires_at_idx" ON "scoped_pseudonyms"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "scoped_pseudonyms_venue_id_scope_period_pseudonym_key" ON "scoped_pseudonyms"("venue_id", "scope", "period", "pseudonym");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_lab_id_fkey" FOREIGN KEY ("lab_id") REFERENCES "labs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "venues"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issuer_keys" ADD CONSTRAINT "issuer_keys_lab_id_fkey" FOREIGN KEY ("lab_id") REFERENCES "labs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schemas" ADD CONSTRAINT "schemas_lab_id_fkey" FOREIGN KEY ("lab_id") REFERENCES "labs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offers" ADD CONSTRAINT "offers_lab_id_fkey" FOREIGN KEY ("lab_id") REFERENCES "labs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offers" ADD CONSTRAINT "offers_issuer_key_id_fkey" FOREIGN KEY ("issuer_key_id") REFERENCES "issuer_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offers" ADD CONSTRAINT "offers_schema_id_schema_version_fkey" FOREIGN KEY ("schema_id", "schema_version") REFERENCES "schemas"("id", "version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policies" ADD CONSTRAINT "policies_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "presentation_requests" ADD CONSTRAINT "presentation_requests_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "presentation_requests" ADD CONSTRAINT "presentation_requests_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scoped_pseudonyms" ADD CONSTRAINT "scoped_pseudonyms_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
