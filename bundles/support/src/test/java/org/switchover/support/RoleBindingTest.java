package org.switchover.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.RoleConditions;
import org.switchover.support.RoleBinding.Role;

class RoleBindingTest {

    private final List<Runnable> posted = new ArrayList<>();
    private final List<Role> told = new ArrayList<>();
    private final RoleBinding roles = new RoleBinding(posted::add, told::add);

    private static Map<String, Object> condition(String id) {
        return Map.of(RoleConditions.CONDITION_ID, id);
    }

    private void runPosted() {
        List<Runnable> now = new ArrayList<>(posted);
        posted.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void eachNewRoleIsToldOnceOnTheExecutorPrimaryWinning() {
        roles.bind(condition(RoleConditions.BACKUP));
        assertTrue(told.isEmpty(), "nothing runs off the executor");
        runPosted();
        assertEquals(List.of(Role.BACKUP), told);

        roles.bind(condition(RoleConditions.PRIMARY));
        roles.unbind(condition(RoleConditions.BACKUP));
        runPosted();
        assertEquals(List.of(Role.BACKUP, Role.PRIMARY), told, "the same role twice is told once");
        assertTrue(roles.primary() && !roles.backup());

        roles.unbind(condition(RoleConditions.PRIMARY));
        runPosted();
        assertEquals(List.of(Role.BACKUP, Role.PRIMARY, Role.NONE), told);
    }

    @Test
    void otherConditionsAreIgnoredAndAClosedBindingTellsNothing() {
        roles.bind(condition(RoleConditions.MONITORING));
        assertTrue(posted.isEmpty());
        roles.bind(condition(RoleConditions.PRIMARY));
        roles.close();
        runPosted();
        assertTrue(told.isEmpty(), "closed before the check ran: " + told);
        assertEquals(Role.PRIMARY, roles.role());
    }
}
