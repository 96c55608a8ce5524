print("turns-bench")
