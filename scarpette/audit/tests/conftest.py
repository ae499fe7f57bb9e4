from scarpette.audit.actions import register

# The chain tests append neutral events of their own.
register(
    {
        name: "Evento di prova"
        for name in ("test.event", "test.after", "test.keyed", "test.legacy", "test.legacy_again")
    }
)
