"""共創プロジェクト: co-creation projects that member organisations run together."""
