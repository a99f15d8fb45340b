"""Files that `quiz` writes for its users, such as the starter deck of `quiz new` (package data)."""
