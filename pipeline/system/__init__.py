"""What the pipeline asks of the machine: worker processes with limits (``isolation``), its
own work on the other core (``background``), child processes that end with their parent
(``children``), memory (``memory``), stage times (``timing``), files written atomically
(``files``), LibreOffice (``libreoffice``), and the progress line a long run shows
(``progress``)."""
