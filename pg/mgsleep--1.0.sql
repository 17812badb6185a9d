-- mgsleep 1.0 (docs/postgres-extension.md).
\echo Use "CREATE EXTENSION mgsleep" to load this file. \quit

-- STABLE, not IMMUTABLE: the answers come from the knowledge base, which
-- changes when the extension is upgraded (and with mgsleep.kb_dir). IMMUTABLE
-- would let an index expression, a generated column or a constant-folded plan
-- keep an old knowledge base's answers without anyone noticing.
-- STRICT: a NULL profile gives NULL. PARALLEL SAFE: each worker loads its own
-- copy of the knowledge base and nothing is shared or written.

CREATE FUNCTION mgsleep_advise(profile jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mgsleep_advise'
	LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION mgsleep_advise(jsonb) IS
	'The advice of mgsleep advise --profile FILE --format json, or {"error": {"field", "message"}}';

CREATE FUNCTION mgsleep_verdict(profile jsonb) RETURNS text
	AS 'MODULE_PATHNAME', 'mgsleep_verdict'
	LANGUAGE C STABLE STRICT PARALLEL SAFE COST 200;
COMMENT ON FUNCTION mgsleep_verdict(jsonb) IS
	'recommended, caution, consult or contraindicated; error for an invalid profile';

CREATE FUNCTION mgsleep_kb_version() RETURNS text
	AS 'MODULE_PATHNAME', 'mgsleep_kb_version'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mgsleep_kb_version() IS 'The version of the knowledge base the functions use';

-- The same JSON as text (json), byte for byte the CLI's output: nothing is
-- parsed on the way out, several times faster than mgsleep_advise when the
-- result is only stored or sent on (bench/README.md).
CREATE FUNCTION mgsleep_advise_json(profile jsonb) RETURNS json
	AS 'MODULE_PATHNAME', 'mgsleep_advise_json'
	LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION mgsleep_advise_json(jsonb) IS
	'mgsleep_advise as json text, byte for byte mgsleep advise --format json';
