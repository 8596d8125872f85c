-- AlterEnum
ALTER TYPE "offer_status" ADD VALUE 'cancelled';

-- AlterTable
ALTER TABLE "offers" ADD COLUMN     "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "api_keys_prefix_idx" ON "api_keys"("prefix");
