"""The network's figures, shared by every output that publishes them (the REMI report, the
weekly digest, the web pages): check-in periods, the kinds of support asked for, the REMI
network picture and the small-number rule every published count passes."""
