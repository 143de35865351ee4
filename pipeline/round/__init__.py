"""The round's arithmetic: each organisation's plan and the round as data (``plans``), putting
the round together (``consolidation``), the gap flags (``flags``), direction of travel
(``travel``), who needs attention (``attention``), what each organisation is told
(``notices``) and whom it goes to (``contacts``), due dates (``due``), and what a run keeps of
each round (``records``)."""
