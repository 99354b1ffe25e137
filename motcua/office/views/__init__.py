"""Back-office views, one module per feature: auth, queue, receipt, dossier (page and actions), documents."""
