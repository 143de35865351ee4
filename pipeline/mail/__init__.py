"""``pipeline mail``: one message per organisation for the round (``letters``), written as
drafts or sent over SMTP, the server's options checked first (``sending``)."""
