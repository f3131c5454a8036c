#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO

/// Migration `v4-email-identity` in SQL, doing what the SQLite store's `EmailIdentityMigration` does in Swift: lead
/// emails stored before lead identity normalized Unicode take their identity form (local part in NFC, domain in ASCII
/// form), leads that turn out to be one person become one lead (the survivor is the lead already in identity form,
/// otherwise the oldest; the others' events, stage changes and merge records move to it, and it takes their name,
/// company and account where it has none), every lead whose key changed is marked for replay (`model_version` 0:
/// replayed at its next event, or by `qualify rescore`), and account domains take their ASCII form (merging into an
/// account that has it).
///
/// PostgreSQL has NFC (`normalize`, version 13 on, UTF8 databases) but no IDNA, so the migration brings a Punycode
/// encoder (RFC 3492, the same steps as the core's `Punycode.encode`) as session-temporary functions and drops them
/// at the end. Stored keys are already lowercase (every key was lowercased when it was made), so the local part only
/// needs NFC and each non-ASCII domain label NFC and Punycode. A domain label the core's IDNA check would refuse is
/// converted here all the same; the core refuses such an address as input now, so its lead is reached by no lookup
/// either way, but nothing of it is lost.
enum PostgresEmailIdentityMigration {
    static let statements: [PostgresQuery] = [
        #"""
        CREATE OR REPLACE FUNCTION pg_temp.qualify_punycode(label text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
          cps int[] := '{}';
          len int := char_length(label);
          output text := '';
          n int := 128; delta bigint := 0; bias int := 72;
          b int; h int; m int; c int; q bigint; k int; t int; d bigint;
        BEGIN
          FOR i IN 1..len LOOP
            c := ascii(substr(label, i, 1));
            cps := cps || c;
            IF c < 128 THEN output := output || chr(c); END IF;
          END LOOP;
          b := char_length(output);
          h := b;
          IF b > 0 THEN output := output || '-'; END IF;
          WHILE h < len LOOP
            SELECT min(x) INTO m FROM unnest(cps) AS x WHERE x >= n;
            delta := delta + (m - n)::bigint * (h + 1);
            n := m;
            FOREACH c IN ARRAY cps LOOP
              IF c < n THEN delta := delta + 1; END IF;
              IF c = n THEN
                q := delta;
                k := 36;
                LOOP
                  t := CASE WHEN k <= bias THEN 1 WHEN k >= bias + 26 THEN 26 ELSE k - bias END;
                  EXIT WHEN q < t;
                  d := t + (q - t) % (36 - t);
                  output := output || chr((CASE WHEN d < 26 THEN 97 + d ELSE 22 + d END)::int);
                  q := (q - t) / (36 - t);
                  k := k + 36;
                END LOOP;
                output := output || chr((CASE WHEN q < 26 THEN 97 + q ELSE 22 + q END)::int);
                -- adapt the bias (RFC 3492 section 6.1)
                d := CASE WHEN h = b THEN delta / 700 ELSE delta / 2 END;
                d := d + d / (h + 1);
                k := 0;
                WHILE d > 455 LOOP
                  d := d / 35;
                  k := k + 36;
                END LOOP;
                bias := k + (36 * d) / (d + 38);
                delta := 0;
                h := h + 1;
              END IF;
            END LOOP;
            delta := delta + 1;
            n := n + 1;
          END LOOP;
          RETURN output;
        END $$
        """#,
        #"""
        CREATE OR REPLACE FUNCTION pg_temp.qualify_ascii_domain(domain text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
          SELECT string_agg(CASE WHEN octet_length(label) = char_length(label) THEN label
                                 ELSE 'xn--' || pg_temp.qualify_punycode(normalize(label, NFC)) END, '.' ORDER BY position)
          FROM regexp_split_to_table(translate(domain, '。．｡', '...'), '\.') WITH ORDINALITY AS labels(label, position)
        $$
        """#,
        #"""
        CREATE OR REPLACE FUNCTION pg_temp.qualify_identity(email text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
          SELECT normalize(substr(email, 1, at - 1), NFC) || '@' || pg_temp.qualify_ascii_domain(substr(email, at + 1))
          FROM (SELECT char_length(email) - strpos(reverse(email), '@') + 1 AS at) AS last_at
        $$
        """#,
        #"""
        DO $$
        DECLARE
          r record;
          survivor bigint;
          loser bigint;
        BEGIN
          FOR r IN SELECT id, pg_temp.qualify_ascii_domain(domain) AS ascii, domain FROM account
                   WHERE octet_length(domain) <> char_length(domain) ORDER BY id LOOP
            CONTINUE WHEN r.ascii = r.domain;
            SELECT id INTO survivor FROM account WHERE domain = r.ascii;
            IF survivor IS NULL THEN
              UPDATE account SET domain = r.ascii WHERE id = r.id;
            ELSE
              loser := GREATEST(survivor, r.id);
              survivor := LEAST(survivor, r.id);
              UPDATE lead SET account_id = survivor WHERE account_id = loser;
              UPDATE account SET name = COALESCE(account.name, gone.name) FROM account AS gone
                WHERE account.id = survivor AND gone.id = loser;
              DELETE FROM account WHERE id = loser;
              UPDATE account SET domain = r.ascii WHERE id = survivor;
            END IF;
          END LOOP;
          FOR r IN SELECT identity, array_agg(id ORDER BY id) AS ids
                   FROM (SELECT id, email, pg_temp.qualify_identity(email) AS identity FROM lead
                         WHERE octet_length(email) <> char_length(email)) AS stored
                   WHERE identity <> email AND octet_length(identity) <= 254
                   GROUP BY identity ORDER BY identity LOOP
            SELECT id INTO survivor FROM lead WHERE email = r.identity;
            IF survivor IS NULL THEN survivor := r.ids[1]; END IF;
            FOREACH loser IN ARRAY r.ids LOOP
              CONTINUE WHEN loser = survivor;
              UPDATE event SET lead_id = survivor WHERE lead_id = loser;
              UPDATE stage_change SET lead_id = survivor WHERE lead_id = loser;
              UPDATE lead_merge SET lead_id = survivor WHERE lead_id = loser;
              UPDATE lead SET name = COALESCE(lead.name, gone.name), company = COALESCE(lead.company, gone.company),
                              account_id = COALESCE(lead.account_id, gone.account_id)
                FROM lead AS gone WHERE lead.id = survivor AND gone.id = loser;
              DELETE FROM lead WHERE id = loser;
            END LOOP;
            UPDATE lead SET email = r.identity, model_version = 0 WHERE id = survivor;
          END LOOP;
        END $$
        """#,
        "DROP FUNCTION pg_temp.qualify_identity(text)",
        "DROP FUNCTION pg_temp.qualify_ascii_domain(text)",
        "DROP FUNCTION pg_temp.qualify_punycode(text)",
    ]
}
#endif
