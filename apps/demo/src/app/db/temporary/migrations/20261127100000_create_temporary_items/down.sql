-- DropTable
DROP TABLE "public"."TemporaryItem";

