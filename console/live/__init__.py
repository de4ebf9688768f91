"""The live console's logic without a screen: what each batch does, alerts, rates and redraw pacing."""
