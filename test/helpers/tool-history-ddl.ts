/** Flyway's history table as Flyway creates it on PostgreSQL, with an applied row and a failed one (version 2). */
export const FLYWAY = `
CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
INSERT INTO "public"."flyway_schema_history" VALUES
  (1, '1', 'create users', 'SQL', 'V1__create_users.sql', 1234567, 'app', '2026-01-02 03:04:05', 12, true),
  (2, '2', 'add email', 'SQL', 'V2__add_email.sql', -98765, 'app', '2026-01-03 03:04:05', 40, false);`;

/** golang-migrate's table as it creates it, at a dirty version. */
export const GOLANG_MIGRATE = `
CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null);
INSERT INTO "public"."schema_migrations" (version, dirty) VALUES (20260101120000, true);`;
