"""Study history shared between devices through files in a folder the learner syncs.

Each device appends the events of what it does to files only it writes
(`DIR/devices/<device-id>/events-YYYY-MM.jsonl`), so no sync tool ever sees two writers
of one file; every device reads the others' files and replays each card's events in one
total order (`clock.Stamp`). The SQLite store stays each device's own.

* `clock`: the hybrid logical clock that orders events across devices.
* `events`: an event and its one-line JSON form (with a schema version).
* `folder`: the folder's layout, appending this device's events, and reading another
  device's files from where the last sync stopped (torn last lines left for later).
* `replay`: a card's state and marks as the replay of its events in clock order, keeping
  each recorded state where replay agrees and recomputing where devices diverged.
* `answers`: recomputing an answer (the scheduler record it names, a fuzz seed from the
  event id).
* `engine`: one sync of every folder (write, git, read, replay); `git`: the git steps.
* `session`: the sync around a study session (`sync_on_study`), off the start's path.
"""
