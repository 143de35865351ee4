"""The inbox side: walking the inbox (``walk``), opening the messages in it (``messages``), when
each file arrived (``arrival``), the registers of who is expected (``registers``), taking a
batch of files in (``intake``: duplicates, statuses), whose a rejected file is (``owners``) and
which round a file belongs to (``periods``)."""
