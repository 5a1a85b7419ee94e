"""The ground floor: portable paths, safe writes and locks, the audit line, TOML reading and
editing, defences against hostile text. Imports nothing of lscp's but `lscp_cli.errors`."""
