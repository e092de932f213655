"""Rules loaded: rule packs read, validated and layered into a rule set (:mod:`.loading`, :mod:`.model`)."""
