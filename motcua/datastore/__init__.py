"""The holder's copy of each signed result, sent to the personal data store through the outbox
(interop.md §3, the contract in docs/interop-datastore.md)."""
