"""The statutory process: working days, a partnership's settings, the rules (`rules.toml`) and
what they say: deadlines, duties, the order of steps, the point-in-time view, progress."""
