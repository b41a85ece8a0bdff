-- CreateTable
CREATE TABLE "TemporaryItem" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemporaryItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TemporaryItem_expiresAt_idx" ON "TemporaryItem"("expiresAt");

