"""情報提供依頼 (information requests, Act Art. 16): asking a member institution about a case, and its answer."""
