-- AlterTable
ALTER TABLE "offers" ADD COLUMN     "sealed_attributes" BYTEA;
