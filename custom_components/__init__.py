"""Custom integrations (this repository ships one: blynk_cloud)."""
