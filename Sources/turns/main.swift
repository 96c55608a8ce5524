print("turns")
