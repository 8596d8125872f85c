-- AlterEnum
ALTER TYPE "presentation_request_status" ADD VALUE 'verifying';
