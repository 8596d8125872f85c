-- CreateEnum
CREATE TYPE "verifier_signing_key_status" AS ENUM ('active', 'retired');

-- CreateTable
CREATE TABLE "verifier_signing_keys" (
    "id" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_key_ciphertext" BYTEA NOT NULL,
    "private_key_nonce" BYTEA NOT NULL,
    "kek_id" TEXT NOT NULL,
    "status" "verifier_signing_key_status" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "verifier_signing_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "verifier_signing_keys_status_created_at_idx" ON "verifier_signing_keys"("status", "created_at");
