"""A dialog step's checkbox: Space ticks it, Enter goes on.

Textual's checkbox toggles on Enter as well as Space. In a dialog that is a trap: an admin who
ticks 「同意する」 with Space and presses Enter to go on unticks it again, and OK stays blocked
for a reason they just dealt with. Here Space (or a click) is the only way to change a box, and
Enter asks the dialog to go on, exactly as Enter in the password field does: OK when the gate
allows it, else the next field. A tick is never the side effect of "go on".
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox

#: Inside the box: ticked and unticked differ by character, not only by colour (NO_COLOR,
#: TERM=linux draw Textual's "X" for both).
TICKED = "✓"
UNTICKED = " "


class MarkedCheckbox(Checkbox):
    """A checkbox whose tick is a character: ``▐✓▌`` ticked, ``▐ ▌`` not, with or without colour."""

    def render(self) -> Content:
        self.BUTTON_INNER = TICKED if self.value else UNTICKED
        return super().render()


class StepCheckbox(MarkedCheckbox, inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", "toggle", show=False),
        Binding("enter", "go_on", "go on", show=False),
    ]

    class GoOn(Message):
        """Enter on the box: the dialog decides (OK if allowed, else the next field)."""

        def __init__(self, checkbox: StepCheckbox) -> None:
            super().__init__()
            self.checkbox = checkbox

    def action_go_on(self) -> None:
        self.post_message(self.GoOn(self))
