class DynamicResult: pass
def run_dynamic(*a): pass
