-- Idempotency keys of creations (internal/idempotency): per user, endpoint
-- and key the SHA-256 of the canonical request body and the id of what it
-- created, so that the same key with the same body replays the first
-- result and with a different body is refused. Keys of orders submitted
-- before are carried over without a hash (they replay whatever the body).

-- +up
CREATE TABLE idempotency_keys (
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint      TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    result_id     BIGINT NOT NULL,
    created_at    {{ts}} NOT NULL,
    PRIMARY KEY (user_id, endpoint, idem_key)
);

INSERT INTO idempotency_keys (user_id, endpoint, idem_key, request_hash, result_id, created_at)
SELECT requester_id, 'order.submit', idempotency_key, '', id, submitted_at
FROM orders WHERE idempotency_key IS NOT NULL;

-- +down
DROP TABLE idempotency_keys;
