"""Council meetings (代表者会議, 実務者会議, 個別ケース検討会議), the progress ledger (進行管理台帳), briefs
in a time box, decisions written back to the cases, tasks (役割分担), minutes with a signed audit checkpoint,
and the 公示."""
