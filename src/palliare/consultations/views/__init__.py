"""Pages of the consultation app: "who do I call now?" (call), the rota (rota), consultation
requests and the team inbox (requests)."""
