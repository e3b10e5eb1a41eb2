-- 0009: a contact and free-text notes per client (who to ask when a login
-- breaks, which admin gave access). Plain text, never secrets.
ALTER TABLE clients ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN notes TEXT NOT NULL DEFAULT '';
