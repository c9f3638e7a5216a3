"""Exchange with partners: STIX 2.1, FollowTheMoney and spreadsheets out, STIX bundles in as
watchlists, and the alerts those watchlists raise. Markings go on everything that leaves."""
